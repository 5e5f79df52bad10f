"""Versions of the intent modules that the models and the dashboard filter on, kept apart from the modules
themselves so that reading them imports no scikit-learn."""

DISCOVERY_VERSION = "intent-discovery-1/tfidf-w12-svd-kmeans-silhouette"

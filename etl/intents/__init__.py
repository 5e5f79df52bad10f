"""Intent for every contact: the taxonomy, the classifier trained on the deployment's labelled contacts, and the
discovery of what the taxonomy misses."""

"""Personal data in exports: finding it, masking it at ingest, and keyed pseudonyms for identity keys."""

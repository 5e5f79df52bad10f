-- The sentiment label every source's own analytics gave a message, in the canonical shape, with its source system.
{{ union_sources('vendor_message_sentiments') }}

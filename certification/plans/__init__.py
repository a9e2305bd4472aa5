"""Audit plans (ISO/IEC 17021-1 9.2.3): prepared before each audit, sent to the client, answered."""

"""The certification agreement and the body's marks (ISO/IEC 17021-1 5.1.2 and 8.3)."""

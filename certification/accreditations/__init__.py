"""The body's accreditations: which certificates may carry an accreditation body's mark."""

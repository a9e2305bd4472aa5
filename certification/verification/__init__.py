"""Public verification of certificates: QR page, look-up by number, JSON API, register."""

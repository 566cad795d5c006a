"""importer: reads a CSV of sign-ups and publishes them, as a legacy system would feed them in."""

"""The emulator: moto's backends, with the few hooks the local cloud needs (patches.py)."""

"""Code shared by every function of the user service: contracts, publishing, clients, envelopes.

Functions import from here; nothing here imports a function.
"""

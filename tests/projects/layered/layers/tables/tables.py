"""Shared by the functions using the layer: renders rows with tabulate (the layer's requirement)."""

from tabulate import tabulate


def render(rows):
    return tabulate(rows, headers=["item", "count"], tablefmt="github")

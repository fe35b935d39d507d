"""eduplan: a city's education development action plan as working software."""

__version__ = "0.1.0"

"""qbwc-server: the web service the QuickBooks Web Connector polls."""

__version__ = "0.1.0"

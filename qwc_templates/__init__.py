"""The .qwc template the Web Connector loads (rendered by qbwc_server.qwc)."""

"""Stand-ins for the Windows side: a fake Web Connector and a fake QuickBooks company."""

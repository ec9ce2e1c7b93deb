"""A fake QuickBooks Desktop company file that executes qbXML (for end-to-end tests and demos).

qb = FakeQuickBooks()
qb.seed(pathlib.Path("fixtures/simulator/demo-company.json"))
response = qb.process(request_xml)
"""

from qbwc_server.simulator.quickbooks.engine import FakeQuickBooks, RequestProcessorError
from qbwc_server.simulator.quickbooks.seed import SeedError, generate_items

__all__ = ["FakeQuickBooks", "RequestProcessorError", "SeedError", "generate_items"]

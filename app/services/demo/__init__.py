"""The demo company: customers and a year of responses with believable structure."""

"""The periodic experience report: its content as plain values (``model``), the rule for next targets
(``proposals``), and the PDF drawn from them (``pdf``). No Flask, no database."""

"""The cost report: what the synthesized templates will make each store's model cost."""

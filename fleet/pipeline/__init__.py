"""The fleet's deployment pipeline(s): which stacks deploy in which pipeline and wave, within
CodePipeline's limits (plan.py). Pure planning: nothing here builds a construct."""

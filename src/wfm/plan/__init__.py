"""Orchestration (layer 3): the whole planning chain, its steps, and the planner's workspace.

- :mod:`wfm.plan.chain`: history → forecast → requirements → rota → review in one call
  (``wfm plan``).
- :mod:`wfm.plan.steps`: one workflow step at a time from results saved earlier (the app).
- :mod:`wfm.plan.workspace`: the latest result of each step, kept in the store.

Import from the module that holds a name; this package re-exports nothing.
"""

"""The conflict search, stage by stage (the analysis drives them; see
:mod:`treatycheck.analysis`):

- :mod:`.pair`: ``PairSolver`` — one Z3 context; ``decide(pair) -> Decision``
  (unsat iff no conflict), ``witness(pair, bearer) -> Solution`` (a model);
- :mod:`.replay`: ``minimise(evaluator, pair, bearers, solution) -> Finding`` — the
  plain evaluator replays and minimises the scenario (no Z3);
- :mod:`.examine`: ``Examiner`` — one process's loop over a batch of pairs: memo,
  verdict cache, then the solver;
- :mod:`.plan`: ``plan(world, pairs, snapshot) -> Plan`` — the answers already known
  and the pairs to ask, one of each symmetry class first;
- :mod:`.execute`: ``CheckOptions`` and the executors' protocol, ``Serial``;
  :mod:`.pool`: ``Pool(jobs)``; :mod:`.cluster`: ``Cluster(scheduler)``;
- :mod:`.result`: ``Finding``, ``Analysis`` and their wire form.
"""

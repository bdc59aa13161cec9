"""The evaluation framework's models, split by meaning: feedback and the framework (aims,
indicators, evidence) in one module, reports (GRIPP2-SF drafts, UK Standards self-assessments) in another."""

from roundtable.evaluation.models.feedback import *  # noqa: F401,F403
from roundtable.evaluation.models.framework import *  # noqa: F401,F403
from roundtable.evaluation.models.reports import *  # noqa: F401,F403

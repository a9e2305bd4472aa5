"""The hook for telling the client that a plan waits for it.

`plan_sent` is sent after the commit that sent a plan, with `plan=`. The e-mail outbox (issue #10)
connects a receiver to it; until then nobody listens and the client sees the plan in the portal
(its audit page and its home page list the plans waiting for an answer).
"""

from blinker import Namespace

signals = Namespace()
plan_sent = signals.signal("audit-plan-sent")

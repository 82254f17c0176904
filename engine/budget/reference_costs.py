"""The per-teacher reference's costs: one school year's pay and benefits (2-3), summed exactly over every
teacher's share and shown as the fast engine's JSON shows them. Shares no code with the fast engine
(`engine.budget.projection`)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from engine.budget.reference_teacher import HUNDRED, PARTS, _cents, _heads, _Model, _part_round
from engine.budget.reference_turnover import Halves, _parts
from engine.money import ZERO, money_str, round_money
from engine.pay.cells import lines_round
from engine.rules import dated_value
from engine.school_year import SchoolYear


def _figures(model: _Model, year: SchoolYear, halves: Halves) -> dict:
    """2-3. One school year's pay and benefits, as the fast engine's JSON shows them."""
    rules, assumptions = model.rules, model.assumptions
    base, fte, eligible, over, held_roles, payments, pensionable = ZERO, ZERO, 0, ZERO, ZERO, ZERO, ZERO
    roles_not_pensionable = ZERO
    offered = assumptions.one_time_in(year)
    additions: dict[str, Decimal] = {a.name: ZERO for a in rules.additions}
    wage_base = assumptions.wage_base_in(rules, year)
    for _, members, earner in halves:
        for t in members:
            pay, lines, may_hold, role_pay = model.pay(year, t, earner)
            base += pay * t.parts
            held_roles += role_pay * t.parts
            if t.role is not None and not rules.role(t.role).pensionable:
                roles_not_pensionable += role_pay * t.parts
            for payment in offered:
                if payment.qualifies(t.lane, t.step, t.service):
                    owed = lines_round(rules, payment.amount * t.fte if payment.amount is not None
                                       else pay * payment.percent / HUNDRED)
                    payments += owed * t.parts
                    pensionable += owed * t.parts if payment.pensionable else ZERO
            for name, amount in lines.items():
                additions[name] += amount * t.parts
            if wage_base is not None:
                over += max(ZERO, pay + sum(lines.values(), ZERO) - wage_base) * t.parts
            fte += t.fte * t.parts
            eligible += t.parts if may_hold else 0
    headcount = sum(_parts(m) for _, m, _ in halves)
    participants = sum(_parts(m) for _, m, earner in halves if earner)
    base_pay = _cents(base)
    by_name = {name: _cents(amount) for name, amount in additions.items()}
    one_time_names = {a.name for a in rules.additions if a.kind == "per_micro_credential"}
    stipends = sum((amount for name, amount in by_name.items() if name in one_time_names), ZERO)
    holders, supplement = 0, ZERO
    if model.role is not None:
        holders = _part_round(Decimal(eligible) * assumptions.role_share_percent / HUNDRED)
        supplement = lines_round(rules, dated_value(model.role.supplement, year.start) or ZERO)
    roles = _cents(supplement * holders) + _cents(held_roles)
    program = _cents(_to_cent(assumptions.program_cost_per_micro_credential) * participants * model.earned)
    payments, pensionable = _cents(payments), _cents(pensionable)
    pay = base_pay + sum(by_name.values(), ZERO) + roles + payments
    ss_rate, medicare_rate = assumptions.social_security_percent, assumptions.medicare_percent
    retirement_rate = assumptions.retirement_in(rules, year)
    share = lambda amount, rate: round_money(amount * rate / HUNDRED)  # noqa: E731
    social_security, medicare = share(pay - _cents(over), ss_rate), share(pay, medicare_rate)
    not_pensionable = sum((amount for name, amount in by_name.items() if not model.additions[name].pensionable), ZERO)
    not_pensionable += _cents(roles_not_pensionable)
    fica, retirement = social_security + medicare, share(pay - payments + pensionable - not_pensionable, retirement_rate)
    pensionable_stipends = sum((amount for name, amount in by_name.items()
                                if name in one_time_names and model.additions[name].pensionable), ZERO)
    health = _cents(_to_cent(assumptions.health_in(rules, year)) * headcount)
    total = pay + fica + retirement + health + program
    one_time = (stipends + share(stipends, ss_rate) + share(stipends, medicare_rate) + share(pensionable_stipends, retirement_rate)
                + program + payments + share(payments, ss_rate) + share(payments, medicare_rate)
                + share(pensionable, retirement_rate))
    # The cost of 1% on the schedule: 1% of base pay, with its Social Security, Medicare and retirement.
    one_percent = share(base_pay, Decimal(1))
    cost_of_one_percent = (one_percent + share(one_percent, ss_rate) + share(one_percent, medicare_rate)
                           + share(one_percent, retirement_rate))
    money = money_str
    return {
        "school_year": year.label, "headcount": _heads(headcount),
        "fte": str((fte / PARTS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "participants": _heads(participants), "micro_credentials": _heads(participants * model.earned),
        "role_holders": _heads(holders), "leavers": _heads(0), "retirees": _heads(0), "hires": _heads(0),
        "base_pay": money(base_pay), "additions": money(pay - base_pay - roles - payments), "role_supplements": money(roles),
        "one_time_payments": money(payments), "cost_of_one_percent": money(cost_of_one_percent),
        "pay": money(pay), "social_security": money(social_security), "medicare": money(medicare), "fica": money(fica), "retirement": money(retirement), "health": money(health),
        "benefits": money(fica + retirement + health), "program_cost": money(program), "total": money(total),
        "one_time": money(one_time), "recurring": money(total - one_time),
        "additions_by_kind": {name: money(amount) for name, amount in by_name.items()},
    }


def _to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

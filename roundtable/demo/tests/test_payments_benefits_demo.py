"""The demo's person in benefit-safe mode: paid within the centre's limits, with a statement."""

import pytest

from roundtable.demo.payments_benefits import seed_benefit_safe
from roundtable.demo.records import seed_records
from roundtable.payments.models import Payment, PaymentProfile
from roundtable.payments.statements import statement_for, tax_year_of

pytestmark = pytest.mark.django_db


def test_one_person_in_benefit_safe_mode_is_paid_and_has_a_statement_and_seeding_again_adds_nothing():
    seed_records()  # past sessions with people who came
    fee = seed_benefit_safe()
    assert fee is not None
    assert PaymentProfile.objects.filter(benefit_safe=True).count() == 1
    assert (fee.status, fee.choice, fee.amount_pence, fee.route) == ("paid", "less", 2000, "non_payroll")
    paid = Payment.objects.filter(person=fee.person, status="paid")
    assert sorted(paid.values_list("kind", flat=True)) == ["expense", "fee"]
    statement = statement_for(fee.person, tax_year_of(fee.paid_on))
    assert (statement.fees_pence, statement.expenses_pence) == (2000, 640)

    assert seed_benefit_safe() is None
    assert Payment.objects.filter(status="paid").count() == 2

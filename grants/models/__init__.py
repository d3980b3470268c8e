from .award import AwardInstallment, AwardType, AwardVesting, Election83b, StockAward
from .exercise import Exercise, PaymentMethod
from .grant import OptionGrant, OptionType
from .installment import VestingInstallment
from .market import RegistrationPeriod, StockPrice
from .plan import StockPlan
from .querysets import GrantStatus, OptionGrantQuerySet

__all__ = [
    "AwardInstallment",
    "AwardType",
    "AwardVesting",
    "Election83b",
    "StockAward",
    "Exercise",
    "GrantStatus",
    "OptionGrant",
    "OptionGrantQuerySet",
    "OptionType",
    "PaymentMethod",
    "RegistrationPeriod",
    "StockPlan",
    "StockPrice",
    "VestingInstallment",
]

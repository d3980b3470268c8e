from .exercise import Exercise, PaymentMethod
from .grant import OptionGrant, OptionType
from .installment import VestingInstallment
from .market import RegistrationPeriod, StockPrice
from .plan import StockPlan
from .querysets import GrantStatus, OptionGrantQuerySet

__all__ = [
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

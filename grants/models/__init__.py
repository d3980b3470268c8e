from .exercise import Exercise, PaymentMethod
from .grant import GrantStatus, OptionGrant, OptionGrantQuerySet, OptionType, VestingInstallment
from .market import RegistrationPeriod, StockPrice
from .plan import StockPlan

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

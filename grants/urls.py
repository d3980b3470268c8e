from django.urls import path

from .views import actions, awards, corrections, edit, grants, issuer, market, plans, valuation

app_name = "grants"
urlpatterns = [
    path("", grants.GrantListView.as_view(), name="list"),
    path("new/", grants.create_grant, name="create"),
    path("<int:pk>/", grants.GrantDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", edit.edit_grant, name="edit"),
    path("<int:pk>/approve/", grants.approve_grant, name="approve"),
    path("<int:pk>/value/", valuation.value_one_grant, name="value"),
    path("<int:pk>/exercise/", actions.record_exercise, name="exercise"),
    path("<int:pk>/exercise/terms.json", actions.exercise_terms_json, name="exercise-terms"),
    path("exercises/<int:pk>/reverse/", corrections.reverse_exercise, name="exercise-reverse"),
    path("awards/", awards.AwardListView.as_view(), name="awards"),
    path("awards/new/", awards.create_award, name="award-create"),
    path("awards/<int:pk>/", awards.AwardDetailView.as_view(), name="award"),
    path("awards/<int:pk>/edit/", edit.edit_award, name="award-edit"),
    path("awards/<int:pk>/approve/", awards.approve_award, name="award-approve"),
    path("plans/", plans.PlanList.as_view(), name="plans"),
    path("plans/new/", plans.PlanCreate.as_view(), name="plan-add"),
    path("plans/<int:pk>/edit/", plans.PlanUpdate.as_view(), name="plan-edit"),
    path("vestings/", awards.vestings_to_confirm, name="vestings"),
    path("people/<int:pk>/termination/", actions.record_termination, name="termination"),
    path(
        "people/<int:pk>/termination/withdraw/",
        corrections.withdraw_termination,
        name="termination-withdraw",
    ),
    path("issuer/", issuer.issuer, name="issuer"),
    path("prices/", market.StockPriceList.as_view(), name="prices"),
    path("prices/new/", market.StockPriceCreate.as_view(), name="price-add"),
    path("prices/<int:pk>/", market.StockPriceUpdate.as_view(), name="price-edit"),
    path("registration/", market.RegistrationPeriodList.as_view(), name="registration"),
    path("registration/new/", market.RegistrationPeriodCreate.as_view(), name="registration-add"),
    path(
        "registration/<int:pk>/",
        market.RegistrationPeriodUpdate.as_view(),
        name="registration-edit",
    ),
    path(
        "registration/<int:pk>/end/",
        corrections.end_registration_period,
        name="registration-end",
    ),
    path("valuation/", valuation.defaults_list, name="valuations"),
    path("valuation/new/", valuation.DefaultsCreate.as_view(), name="valuation-add"),
    path("valuation/<int:pk>/", valuation.defaults_detail, name="valuation"),
    path("valuation/<int:pk>/edit/", valuation.DefaultsUpdate.as_view(), name="valuation-edit"),
    path("valuation/<int:pk>/approve/", valuation.approve_defaults, name="valuation-approve"),
    path("valuation/<int:pk>/reopen/", valuation.reopen_defaults, name="valuation-reopen"),
    path("valuation/<int:pk>/value/", valuation.value_year, name="valuation-value"),
]

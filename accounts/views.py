"""Site pages of accounts: signup, login, logout, profile, password reset and change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import throttles, twofactor
from .forms import LoginForm, PasswordResetForm, ProfileForm, SignupForm
from .services import DUPLICATE_EMAIL


def _too_many_attempts(request, template: str, form, next_page: str = ""):
    """Answer 429 with the form again, unchecked, and say how long to wait."""
    wait = throttles.refusal(request)
    if wait is None:
        return None
    messages.error(
        request, _("Too many attempts. Please wait %(seconds)d seconds and try again.") % {"seconds": wait}
    )
    return render(request, template, {"form": form, "next": next_page}, status=429)


def _safe_next(request) -> str:
    """Return the `next` page if it is on this site, else the default after login."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Create an account, log it in and go on to `next` (else the dashboard)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    if request.method == "POST":
        refused = _too_many_attempts(
            request, "accounts/signup.html", SignupForm(initial={k: request.POST.get(k, "") for k in ("email", "full_name", "phone")}), request.POST.get("next", "")
        )
        if refused:
            return refused
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except ValidationError as refused:
            # Another signup with this email committed between the form's check and the insert.
            form.add_error(None, refused)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to EventHub, %(name)s! Your account is ready.") % {"name": user.full_name})
            return redirect(_safe_next(request))
    next_page = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/signup.html", {"form": form, "next": next_page})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Before the form checks the password: a refused attempt costs no bcrypt round.
        form = LoginForm(request, initial={"username": request.POST.get("username", "")})
        refused = _too_many_attempts(request, self.template_name, form, request.POST.get("next", ""))
        return refused or super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


@login_required
@sensitive_post_parameters("current_password")
def profile(request):
    """Edit one's name, phone and email."""
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except IntegrityError:
            form.add_error("email", DUPLICATE_EMAIL)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    if form.is_bound:
        # The invalid form has written its values on request.user; the page shows the saved ones.
        request.user.refresh_from_db()
    return render(request, "accounts/profile.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@sensitive_post_parameters("code")
def two_factor(request):
    """Set up an authenticator app (QR code, then recovery codes shown once), or prove one: the second login step."""
    user = request.user
    enrolled = twofactor.enrolled(user)
    context = {"enrolled": enrolled, "next": request.POST.get("next") or request.GET.get("next", ""),
               "required": twofactor.required(user)}
    if request.method == "POST":
        refused = throttles.refusal(request)
        if refused is not None:
            messages.error(request, _("Too many attempts. Please wait %(seconds)d seconds and try again.")
                           % {"seconds": refused})
        elif enrolled:
            device = twofactor.verify(user=user, code=request.POST.get("code", ""))
            if device is not None:
                otp_login(request, device)
                return redirect(_safe_next(request))
            messages.error(request, twofactor.WRONG_CODE)
        else:
            try:
                device, codes = twofactor.confirm_enrolment(user=user, code=request.POST.get("code", ""))
            except twofactor.TwoFactorError as error:
                messages.error(request, error.message)
            else:
                otp_login(request, device)
                return render(request, "accounts/two_factor.html", {**context, "recovery_codes": codes})
    if not enrolled:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first() if request.method == "POST" else None
        device = pending or twofactor.start_enrolment(user=user)
        context["enrolment"] = twofactor.enrolment_details(device)
    return render(request, "accounts/two_factor.html", context)

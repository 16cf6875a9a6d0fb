from django.urls import path

from .views import profile, registration, sign_in

app_name = "accounts"

urlpatterns = [
    path("", registration.home, name="home"),
    path("register", registration.register, name="register"),
    path("register/verify/<str:token>", registration.verify_email, name="verify_email"),
    path("register/verify/<str:token>/resend", registration.resend_verification, name="resend_verification"),
    path("sign-in", sign_in.sign_in, name="sign_in"),
    path("sign-in/code", sign_in.two_factor, name="two_factor"),
    path("sign-in/new-code", sign_in.new_code, name="new_code"),
    path("sign-in/email/<str:token>", sign_in.email_sign_in, name="email_sign_in"),
    path("sign-out", sign_in.sign_out, name="sign_out"),
    path("forgot-password", sign_in.forgot_password, name="forgot_password"),
    path("new-password/<str:uidb64>/<str:token>", sign_in.new_password, name="new_password"),
    path("user-profile", profile.user_profile, name="user_profile"),
    path("user-profile/name", profile.change_name, name="change_name"),
    path("user-profile/email", profile.change_email, name="change_email"),
    path("user-profile/email/confirm/<str:token>", profile.confirm_email_change, name="confirm_email_change"),
    path("user-profile/mobile-number", profile.change_mobile_number, name="change_mobile_number"),
    path("user-profile/mobile-number/confirm", profile.confirm_mobile_number, name="confirm_mobile_number"),
    path("user-profile/password", profile.change_password, name="change_password"),
    path("user-profile/security", profile.change_auth_type, name="change_auth_type"),
]

"""Work the task worker does for logins (django-tasks; DESIGN.md §7)."""

from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django_tasks import task
from wagtail.admin.forms.auth import PasswordResetForm


class WorkerPasswordResetForm(PasswordResetForm):
    """Django's form logs a mail that could not be sent and carries on, which suits a request;
    in the worker the failure must fail the task, so that administrators see it under
    设置 → 后台任务 and the address's owner can be told to try again."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        message.send()


@task()
def send_password_reset(email, domain, site_name, use_https, extra_email_context, **templates):
    """Mail a reset link to every active login with this address (none for an unknown one).
    Django's form does the looking up and the mailing; the request gave the site it was made
    on, since the worker has no request."""
    form = WorkerPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=domain,
        use_https=use_https,
        # domain_override stands for the site's name too: give the name back.
        extra_email_context={"site_name": site_name, **extra_email_context},
        **templates,
    )

from celery import shared_task


@shared_task(name="amity.activities.agreement_reminders")
def agreement_reminders():
    from amity.activities.reminders import send_expiry_reminders

    return send_expiry_reminders()

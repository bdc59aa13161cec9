"""The raw-data admin (staff only). Day-to-day work happens in the coordinator pages."""

from django.contrib import admin

from roundtable.newsletter.models import Delivery, Issue, Subscriber, SubscriptionConsent


class ConsentInline(admin.TabularInline):
    model = SubscriptionConsent
    extra = 0
    can_delete = False
    readonly_fields = ["event", "wording", "source", "created_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email", "name"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]
    inlines = [ConsentInline]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "send_started_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["content_html", "content_text", "send_started_at", "finished_at", "last_progress_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at"]
    list_filter = ["status", "issue"]
    list_select_related = ["issue", "subscriber"]
    exclude = ["unsubscribe_token_hash"]
    raw_id_fields = ["issue", "subscriber"]

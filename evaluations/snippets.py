"""The evaluations and their items in the admin (事務局)."""

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSetGroup

from home.snippets import SnippetViewSet, boolean_columns

from .models import EvaluationItem, EvaluationResult, GroupHomeEvaluation


class EvaluationCreateView(SnippetViewSet.add_view_class):
    """A new evaluation starts with a row for each usual item."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        instance.results = [
            EvaluationResult(item=item, sort_order=position)
            for position, item in enumerate(EvaluationItem.objects.filter(is_usual=True))
        ]
        return instance


class EvaluationItemDeleteView(DeleteView):
    """An item used by an evaluation cannot be deleted; say so instead of failing."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError:
            messages.error(
                request,
                f"評価項目「{self.object}」は評価で使われているため削除できません。"
                "使わなくなった項目は「いつも評価する」のチェックを外してください。",
            )
            return redirect(self.get_success_url())


class GroupHomeEvaluationViewSet(SnippetViewSet):
    model = GroupHomeEvaluation
    icon = "clipboard-list"
    menu_label = "評価の記録"
    menu_name = "group_home_evaluations"
    add_view_class = EvaluationCreateView
    list_display = ["facility", "fiscal_year", "evaluated_on", "reported_on"]
    list_filter = ["fiscal_year"]
    search_fields = ["facility__title", "summary"]
    list_export = ["fiscal_year", "facility", "evaluated_on", "summary", "reported_on"]
    ordering = ["-fiscal_year", "facility__kana_sort"]


class EvaluationItemViewSet(SnippetViewSet):
    model = EvaluationItem
    icon = "list-ul"
    menu_label = "評価項目"
    menu_name = "evaluation_items"
    delete_view_class = EvaluationItemDeleteView
    list_display = boolean_columns(EvaluationItem, ["name", "is_usual", "sort_order"])
    search_fields = ["name"]
    ordering = ["sort_order", "pk"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("is_usual"),
        FieldPanel("sort_order"),
    ]


class EvaluationViewSetGroup(SnippetViewSetGroup):
    items = (GroupHomeEvaluationViewSet, EvaluationItemViewSet)
    menu_icon = "clipboard-list"
    menu_label = "グループホームの評価"
    menu_name = "group_home_evaluation"
    menu_order = 320

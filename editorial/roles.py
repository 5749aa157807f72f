"""The four roles of the site's editors and readers, as data, and the code that applies them.

The migration ``editorial/migrations/0001_roles.py``, the command
``python manage.py setup_roles`` and the signal that equips a newly created
section page all call :func:`apply_roles` / :func:`attach_section`, so the
definition below is the only place that says who may do what.

How the page permissions are laid out
-------------------------------------

A Wagtail page permission covers the page it is placed on and everything
below it, and nothing lower down can take it away. The tree is::

    トップ (HomePage)
    ├── 一般ページ (StandardPage) …
    ├── 協議会について (CouncilIndexPage) > 会議・部会 > 会議の記録・活動報告
    ├── お知らせ (NewsIndexPage) > お知らせ
    ├── 会議の記録 (MeetingArchivePage, the list of records)
    ├── ふくしマップ (FacilityIndexPage) > 事業所
    ├── 空き情報 (VacancyPage)
    ├── グループホームの評価 (GroupHomeEvaluationIndexPage)
    ├── オープンデータ (OpenDataPage)
    └── ウェブアクセシビリティ方針 (AccessibilityPolicyPage) > 試験結果

* 事務局 edits the home page, so it holds add/change/lock on the HomePage;
  that reaches every section below, including the facility pages (Wagtail
  cannot give "change" on one page alone). It publishes directly only where
  "publish" is placed: the NewsIndexPage, each top-level StandardPage, the
  MeetingArchivePage and the AccessibilityPolicyPage (with its yearly test result). It never holds "publish" on the CouncilIndexPage or
  above it, so meeting records, minutes and reports can only go live through
  the approval workflow 「会議記録の承認」. Its own edits of the home page go
  through 「公開の承認」 on the HomePage, its edits of a facility page through
  「事業所情報の承認」.
* 承認者 approves through the GroupApprovalTask. While a page waits for its
  approval, Wagtail lets the approvers open, compare and lock it; approving
  publishes the page *as the approver*, and Wagtail checks that the approver
  may publish it. So 承認者 holds "publish" on the HomePage (both workflows sit
  on or below it) and neither "add" nor "change": it cannot write a page, only
  put out (or take down) what others wrote.
* 施設情報担当 holds add/change/publish/lock on the FacilityIndexPage and
  change/publish/lock on the VacancyPage (so it may also set the vacancy
  page's privacy), nothing higher.
* 相談支援事業所 holds nothing in the admin; page privacy
  ("特定のグループのユーザーのみ") names the group.
* 事業所担当 (an office's own staff, invited by 事務局) holds no page permission
  at all as a group: which facility pages each account may change comes from
  its ``offices.OfficeAccount`` row (see ``offices/models.py``). The group gives
  admin access, photo upload into 施設の写真 and ``offices.keep_facilities``.
  Its edits of a facility page go through 「事業所情報の承認」 on the
  FacilityIndexPage, approved by 施設情報担当 (which may publish there).

Two-factor login
----------------

``Role.two_factor_required`` says which roles must log in to the admin with a
code from an authenticator app (事務局, 承認者 and 事業所担当); superusers always must.
Every other account that can reach the admin (施設情報担当) may turn it on in
its account settings. ``editorial/twofactor/`` enforces it.

Everything here is written against an ``apps`` registry, so the same code
runs with the historical models inside a migration and with the real ones.
"""

from dataclasses import dataclass, field

from django.contrib.auth.management import create_permissions

SECRETARIAT = "事務局"
APPROVER = "承認者"
FACILITY_EDITOR = "施設情報担当"
CONSULTATION_OFFICE = "相談支援事業所"
OFFICE_STAFF = "事業所担当"

FACILITY_PHOTOS = "施設の写真"
ROOT_COLLECTION = None  # the root collection (ROOT_COLLECTION_NAME), i.e. every collection
# Wagtail names the root collection and the root of the page tree 「Root」; the admin shows both.
ROOT_COLLECTION_NAME = "共通"
ROOT_PAGE_TITLE = "最上位"

APPROVAL_TASK = "承認者による承認"
FACILITY_APPROVAL_TASK = "施設情報担当による承認"
COUNCIL_WORKFLOW = "会議記録の承認"
PUBLISHING_WORKFLOW = "公開の承認"
FACILITY_WORKFLOW = "事業所情報の承認"

ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin")


@dataclass(frozen=True)
class Section:
    """Page permissions placed on every page of ``model`` (optionally only those directly
    under a page of ``parent``)."""

    model: str
    permissions: tuple
    parent: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    model_permissions: tuple = ()  # (app_label, model, codename)
    collection_permissions: tuple = ()  # (collection name or ROOT_COLLECTION, app, model, action)
    sections: tuple = ()
    two_factor_required: bool = False
    by_invitation: bool = False  # members come only through an invitation (no demo account)


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    sections: tuple  # page models whose pages get this workflow
    approvers: tuple = field(default=(APPROVER,))
    task: str = APPROVAL_TASK


def _model_perms(app_label, model, actions):
    return tuple((app_label, model, f"{action}_{model}") for action in actions)


def _collection_perms(collection, app_label, model, actions):
    return tuple((collection, app_label, model, action) for action in actions)


ROLES = (
    Role(
        name=SECRETARIAT,
        description="協議会・お知らせ・トップページ・一般ページの編集、文書と画像、事務局の連絡先、事業所担当の招待と利用停止、オープンデータのライセンス、ふくしマップの冊子(PDF)の作成、グループホームの評価、お知らせメールの登録の数と削除、掲載内容の修正の依頼への対応、ふりがなの読み仮名辞書、用語集、ウェブアクセシビリティ方針と試験結果の公開、空き情報の催促のメールの設定",
        model_permissions=(
            ACCESS_ADMIN,
            *_model_perms("council", "businessitem", ("add", "change", "delete", "view")),
            *_model_perms("home", "secretariatcontact", ("change", "view")),
            *_model_perms("opendata", "opendatasettings", ("change", "view")),
            *_model_perms(
                "evaluations", "grouphomeevaluation", ("add", "change", "delete", "view")
            ),
            *_model_perms("evaluations", "evaluationitem", ("add", "change", "delete", "view")),
            *_model_perms("alerts", "subscriber", ("delete", "view")),
            *_model_perms("corrections", "correctionrequest", ("change", "view")),
            *_model_perms("home", "readingentry", ("add", "change", "delete", "view")),
            *_model_perms("offices", "vacancyremindersettings", ("change", "view")),
            *_model_perms("home", "glossaryterm", ("add", "change", "delete", "view")),
            ("home", "homepage", "set_page_privacy"),
            ("booklet", "booklet", "build_booklet"),
            ("offices", "officeaccount", "change_officeaccount"),
            ("offices", "officeaccount", "view_officeaccount"),
            ("offices", "officeinvitation", "add_officeinvitation"),
        ),
        collection_permissions=(
            *_collection_perms(
                ROOT_COLLECTION, "wagtaildocs", "document", ("add", "change", "delete", "choose")
            ),
            *_collection_perms(
                ROOT_COLLECTION, "wagtailimages", "image", ("add", "change", "delete", "choose")
            ),
        ),
        sections=(
            Section("home.HomePage", ("add", "change", "lock")),
            Section("council.NewsIndexPage", ("publish",)),
            Section("council.MeetingArchivePage", ("publish",)),
            Section("evaluations.GroupHomeEvaluationIndexPage", ("publish",)),
            Section("accessibility.AccessibilityPolicyPage", ("publish",)),
            Section("home.StandardPage", ("publish",), parent="home.HomePage"),
            Section("home.GlossaryPage", ("publish",)),
        ),
        two_factor_required=True,
    ),
    Role(
        name=APPROVER,
        description="会議の記録・議事録・活動報告とトップページの変更の承認・差し戻し",
        model_permissions=(ACCESS_ADMIN,),
        sections=(Section("home.HomePage", ("publish",)),),
        two_factor_required=True,
    ),
    Role(
        name=FACILITY_EDITOR,
        description="ふくしマップの事業所と冊子(PDF)の作成、空き情報のページと月次の入力、事業所の写真、掲載内容の修正の依頼への対応",
        model_permissions=(
            ACCESS_ADMIN,
            *_model_perms("vacancies", "vacancyfigure", ("add", "change", "delete", "view")),
            ("booklet", "booklet", "build_booklet"),
            *_model_perms("corrections", "correctionrequest", ("change", "view")),
        ),
        collection_permissions=_collection_perms(
            FACILITY_PHOTOS, "wagtailimages", "image", ("add", "choose")
        ),
        sections=(
            Section("facilities.FacilityIndexPage", ("add", "change", "publish", "lock")),
            Section("vacancies.VacancyPage", ("change", "publish", "lock")),
        ),
    ),
    Role(
        name=CONSULTATION_OFFICE,
        description="閲覧を制限したページ(空き情報など)の閲覧のみ。管理画面には入れません",
    ),
    Role(
        name=OFFICE_STAFF,
        description="担当する事業所のページの更新(施設情報担当の承認の後に公開)と空き情報の入力、事業所の写真の追加、その事業所の掲載内容の修正の依頼への対応",
        model_permissions=(
            ACCESS_ADMIN,
            ("offices", "officeaccount", "keep_facilities"),
            *_model_perms("corrections", "correctionrequest", ("change", "view")),
        ),
        collection_permissions=_collection_perms(
            FACILITY_PHOTOS, "wagtailimages", "image", ("add", "choose")
        ),
        two_factor_required=True,
        by_invitation=True,
    ),
)

# Roles whose members must use two-factor login; superusers must too (two_factor_required()).
TWO_FACTOR_ROLES = tuple(role.name for role in ROLES if role.two_factor_required)


def two_factor_required(user):
    """Whether ``user``'s roles make two-factor login compulsory (whatever the settings say)."""
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()


WORKFLOWS = (
    WorkflowDefinition(COUNCIL_WORKFLOW, sections=("council.CouncilIndexPage",)),
    WorkflowDefinition(PUBLISHING_WORKFLOW, sections=("home.HomePage",)),
    WorkflowDefinition(
        FACILITY_WORKFLOW,
        sections=("facilities.FacilityIndexPage",),
        approvers=(FACILITY_EDITOR,),
        task=FACILITY_APPROVAL_TASK,
    ),
)

# Collections the roles refer to, created under the root collection.
COLLECTIONS = (FACILITY_PHOTOS,)

# Page models whose new pages get permissions or a workflow attached (see signals.py).
SECTION_MODELS = tuple(
    sorted(
        {s.model for role in ROLES for s in role.sections}
        | {m for w in WORKFLOWS for m in w.sections}
    )
)


# --- Applying the definition ----------------------------------------------------------


class Changes(list):
    """Japanese lines describing what was created, in order; ``notes`` for what was left alone."""

    def __init__(self):
        super().__init__()
        self.notes = []

    def add(self, line):
        self.append(line)

    def note(self, line):
        self.notes.append(line)


def create_model_permissions(apps):
    """Model permissions now, not after all migrations (post_migrate), on a fresh database too."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _in_state(apps, app_label, model):
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def apply_roles(apps, changes=None):
    """Create or complete the groups, permissions, collections, workflows and section grants.

    Adds what is missing and never removes anything, so it can run any number of
    times. Returns the list of changes made (empty when everything was in place).
    Inside a migration, models that the project state does not have yet are left
    for a later migration (``0003_roles_for_vacancies``) to complete.
    """
    changes = Changes() if changes is None else changes
    Group = apps.get_model("auth", "Group")
    for name in COLLECTIONS:
        _collection(apps, name, changes)
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.name)
        if created:
            changes.add(f"グループ「{role.name}」を作成しました。")
        _apply_model_permissions(apps, group, role, changes)
        _apply_collection_permissions(apps, group, role, changes)
    for definition in WORKFLOWS:
        _workflow(apps, definition, changes)
    for model_label in SECTION_MODELS:
        if not _in_state(apps, *model_label.split(".")):
            continue
        Model = apps.get_model(*model_label.split("."))
        for page in Model.objects.order_by("path"):
            attach_section(apps, page, model_label, changes)
    return changes


def attach_section(apps, page, model_label, changes=None):
    """Give ``page`` (a page of ``model_label``) the roles' permissions and its workflow."""
    changes = Changes() if changes is None else changes
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for role in ROLES:
        sections = [s for s in role.sections if s.model == model_label]
        if not sections:
            continue
        group = Group.objects.filter(name=role.name).first()
        if group is None:
            continue
        for section in sections:
            if section.parent and not _parent_is(apps, page, section.parent):
                continue
            for action in section.permissions:
                permission = _permission(apps, "wagtailcore", "page", f"{action}_page")
                _, created = GroupPagePermission.objects.get_or_create(
                    group=group, page_id=page.pk, permission=permission
                )
                if created:
                    changes.add(
                        f"「{role.name}」に「{page.title}」以下のページの"
                        f"{PAGE_ACTION_LABELS[action]}の権限を付けました。"
                    )
    for definition in WORKFLOWS:
        if model_label in definition.sections:
            _assign_workflow(apps, definition, page, changes)
    return changes


PAGE_ACTION_LABELS = {
    "add": "追加",
    "change": "編集",
    "publish": "公開",
    "lock": "ロック",
    "unlock": "ロック解除",
    "bulk_delete": "子ページごとの削除",
}
COLLECTION_ACTION_LABELS = {"add": "追加", "change": "編集", "delete": "削除", "choose": "選択"}


def _permission(apps, app_label, model, codename):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission = Permission.objects.filter(content_type=content_type, codename=codename).first()
    if permission is None:
        raise LookupError(
            f"権限 {app_label}.{codename} がありません。migrate を先に実行してください。"
        )
    return permission


def _apply_model_permissions(apps, group, role, changes):
    present = set(
        group.permissions.values_list("content_type__app_label", "content_type__model", "codename")
    )
    for app_label, model, codename in role.model_permissions:
        if (app_label, model, codename) in present or not _in_state(apps, app_label, model):
            continue
        permission = _permission(apps, app_label, model, codename)
        group.permissions.add(permission)
        changes.add(f"「{group.name}」に権限「{app_label}.{codename}」を付けました。")


def _apply_collection_permissions(apps, group, role, changes):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for collection_name, app_label, model, action in role.collection_permissions:
        collection = _collection(apps, collection_name, changes)
        permission = _permission(apps, app_label, model, f"{action}_{model}")
        _, created = GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )
        if created:
            kind = "文書" if model == "document" else "画像"
            where = (
                "すべてのコレクション"
                if collection.depth == 1
                else f"コレクション「{collection.name}」"
            )
            changes.add(
                f"「{group.name}」に{where}の{kind}の"
                f"{COLLECTION_ACTION_LABELS[action]}の権限を付けました。"
            )


STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_step(step):
    """The treebeard path step that follows ``step`` (base 36, fixed width)."""
    value = 0
    for char in step:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    value += 1
    digits = []
    for _ in range(STEPLEN):
        value, rest = divmod(value, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def _collection(apps, name, changes):
    """The named child of the root collection, created if missing (root itself for None)."""
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Collection.objects.create(
            name=ROOT_COLLECTION_NAME, path="0001", depth=1, numchild=0
        )
    if name is ROOT_COLLECTION:
        return root
    children = Collection.objects.filter(depth=root.depth + 1, path__startswith=root.path)
    existing = children.filter(name=name).first()
    if existing is not None:
        return existing
    # Written out rather than treebeard's add_child(), which historical models lack.
    last = children.order_by("-path").first()
    step = _next_step(last.path[-STEPLEN:]) if last else "0001"
    collection = Collection.objects.create(
        name=name, path=root.path + step, depth=root.depth + 1, numchild=0
    )
    Collection.objects.filter(pk=root.pk).update(numchild=children.count())
    changes.add(f"コレクション「{name}」を作成しました。")
    return collection


def _approval_task(apps, definition, changes):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    task = GroupApprovalTask.objects.filter(name=definition.task).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=definition.task, content_type=content_type, active=True
        )
        changes.add(f"承認のタスク「{definition.task}」を作成しました。")
    for group in Group.objects.filter(name__in=definition.approvers):
        if not task.groups.filter(pk=group.pk).exists():
            task.groups.add(group)
            changes.add(f"タスク「{definition.task}」の承認者に「{group.name}」を加えました。")
    return task


def _workflow(apps, definition, changes):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    task = _approval_task(apps, definition, changes)
    workflow = Workflow.objects.filter(name=definition.name).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=definition.name, active=True)
        changes.add(f"ワークフロー「{definition.name}」を作成しました。")
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow,
            task=task,
            sort_order=WorkflowTask.objects.filter(workflow=workflow).count(),
        )
        changes.add(f"ワークフロー「{definition.name}」に「{definition.task}」を入れました。")
    return workflow


def _assign_workflow(apps, definition, page, changes):
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    workflow = _workflow(apps, definition, changes)
    current = WorkflowPage.objects.filter(page_id=page.pk).select_related("workflow").first()
    if current is None:
        WorkflowPage.objects.create(page_id=page.pk, workflow=workflow)
        changes.add(
            f"「{page.title}」以下のページにワークフロー「{definition.name}」を割り当てました。"
        )
    elif current.workflow_id != workflow.pk:
        # Someone chose another workflow for this section in the admin; keep their choice.
        changes.note(
            f"「{page.title}」には別のワークフロー「{current.workflow.name}」が割り当てられているため、"
            "変更しませんでした。"
        )


def _parent_is(apps, page, parent_label):
    Parent = apps.get_model(*parent_label.split("."))
    return Parent.objects.filter(path=page.path[:-STEPLEN]).exists()

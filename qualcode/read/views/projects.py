"""The Projects page's view: every project with its counts, the shipped frameworks a new study may
apply, and (with accounts) the user list."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.frameworks import Framework, shipped_frameworks
from qualcode.models import STAKEHOLDER_GROUPS
from qualcode.read import entities as read_entities
from qualcode.read import tables as queries
from qualcode.read.views import common
from qualcode.services import projects as project_service
from qualcode.services.auth import require


@dataclass(frozen=True)
class ProjectsView:
    overview: pd.DataFrame  # id, name, description, documents, codes, codings, created_at
    me: common.UserInfo | None = None
    users: list[common.UserInfo] = field(default_factory=list)  # filled for an administrator only
    roles: tuple[str, ...] = common.ROLES
    frameworks: list[Framework] = field(default_factory=list)  # the shipped codebooks a new study may apply
    default_groups: tuple[str, ...] = STAKEHOLDER_GROUPS
    open_groups: list[str] = field(default_factory=list)  # the open project's stakeholder groups
    open_name: str = ""  # the open project's name, when the user may rename and delete it
    open_contents: dict[str, int] = field(default_factory=dict)  # what it holds, for the question before a delete


def projects_view(session: Session, user_id: int | None, *, accounts: bool,
                  project_id: int | None = None) -> ProjectsView:
    me = common.user(session, user_id) if accounts else None
    users = ([common.UserInfo(u.id, u.login, u.display_name, u.is_admin) for u in read_entities.list_users(session)]
             if me is not None and me.is_admin else [])
    overview = queries.project_overview(session)
    is_there = project_id is not None and project_id in set(overview["id"])
    open_name, contents = "", {}
    if is_there and project_id:
        try:
            require(session, project_id, user_id, "project.manage")
        except QualcodeError:
            pass
        else:
            open_name = project_service.get_project(session, project_id).name
            contents = project_service.project_contents(session, project_id)
    return ProjectsView(overview, me, users, frameworks=shipped_frameworks(),
                        open_groups=common.project_groups(session, project_id) if is_there and project_id else [],
                        open_name=open_name, open_contents=contents)

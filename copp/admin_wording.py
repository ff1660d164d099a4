"""The back office's own wording of the admin's generic phrases.

Django's admin builds titles and messages by putting a model's name into a
phrase («Изменить %s», «%s был успешно изменён»), which in Russian needs the
name in another case and the verb in its gender: «Изменить заявка», «Заявка
был изменен». The project's translations (``locale/``, read before Django's
own) word each of these phrases so that the name stands after a colon, in
the nominative, and agrees with nothing: «Изменение: заявка», «Сохранено:
заявка «…»». Listing the phrases here puts them in the project's catalogue.
"""

from django.utils.translation import gettext_noop

ADMIN_PHRASES = (
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop(
        "The {name} “{obj}” was added successfully. You may add another {name} below."
    ),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may edit it again below."
    ),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may add another {name} below."
    ),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
)

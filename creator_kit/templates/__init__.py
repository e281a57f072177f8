"""Campaign templates: a data-only format, built-in campaigns, shareable packs.

* :mod:`.format`: the ``template.json`` schema (:class:`Template`), loading and validation;
* :mod:`.apply`: :func:`apply_template` turns a template and clips into a Project;
* :mod:`.store`: built-in and user template folders, lookup by name;
* :mod:`.packs`: ``.ckpack`` import and export, hardened against hostile zips.
"""

from creator_kit.templates.apply import apply_template, layout_logos, variable_values
from creator_kit.templates.format import (
    EndCard,
    FontRef,
    LoadedTemplate,
    LogoArea,
    Palette,
    Template,
    TemplateDefaults,
    TemplateVariable,
    load_template,
    save_template,
    template_from_data,
)
from creator_kit.templates.store import available_names, find_template, template_entries, user_dir

__all__ = [
    "EndCard", "FontRef", "LoadedTemplate", "LogoArea", "Palette", "Template",
    "TemplateDefaults", "TemplateVariable", "apply_template", "available_names",
    "find_template", "layout_logos", "load_template", "save_template", "template_entries",
    "template_from_data", "user_dir", "variable_values",
]

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Product documentation (issue 10, domain.md §9): manuals, release notes and file layouts
    (eSocial, folha) per product and release, stored like ticket attachments, read by the
    organizations that license the product, every download logged."""

    name = "servicedesk.documents"
    verbose_name = "Documentação dos produtos"

from django.apps import AppConfig


class PeerSiteConfig(AppConfig):
    name = "peer_site"
    verbose_name = "benchmark peer (seed and measure commands)"

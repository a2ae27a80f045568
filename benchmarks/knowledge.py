"""Knowledge-base benchmark (issue 10): search and the typing suggestion over 20,000 articles, on
SQLite and PostgreSQL, in one command.

    python benchmarks/knowledge.py [--articles 20000] [--repeat 40] [--database-url URL …]

Without ``--database-url`` it runs once per database, each in its own process (Django is set up
once per process): the SQLite file ``var/bench_kb.sqlite3`` and the PostgreSQL database
``bench_kb`` (``--postgres-url``, default ``postgres://postgres@127.0.0.1:5432/bench_kb``, created
when missing). Each run uses the production profile on loopback (benchmarks/_support.py).

1. Migrates, loads the demo data (its products, organizations and people) and tops the knowledge
   base up to ``--articles`` generated articles (bulk inserts with a progress bar; reused when the
   database already holds them): each article is about two or three of ~260 payroll subject
   words (its title names them), its body mixes them with generic how-to words drawn with a
   Zipf skew ("sistema" in most articles) and other subject words now and then; 40 % pública, 40 % clientes, 20 % interna; 85 %
   publicada, 10 % rascunho, 5 % arquivada; one or two of the demo's products each. The tokens
   are those the services write (`knowledge.text.terms` of the title and of the body's plain text).
2. Times `knowledge.search.article_search` — THE selector of the portal, the console, the API and
   the new-ticket suggestions — in process (no HTTP), sequentially, after a warm-up:
   * search (limit 20) as a customer of a licensing organization (joana.acme), as a visitor and as
     an analyst, over common, rare, two- and three-word, accent-free and no-match queries;
   * the typing suggestion: the customer's scope with a small limit (5) over the words of a
     ticket title being typed, one more word at a time (what the widget sends, debounced).
   p50/p95 (nearest rank) of every call, and the SQL queries of one call.

Goals (exit 1 on a miss): search p95 ≤ 20 ms, suggestion p95 ≤ 30 ms, on each database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks._support import VAR, production_env, setup_django  # noqa: E402
from benchmarks.timing import percentile  # noqa: E402

SQLITE_URL = f"sqlite:///{VAR / 'bench_kb.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_kb"
SEARCH_GOAL_MS = 20.0
SUGGEST_GOAL_MS = 30.0
SEARCH_LIMIT = 20
SUGGEST_LIMIT = 5
SLUG_PREFIX = "bench-kb-"
BATCH = 1000

SEARCHES = [
    "férias",  # the commonest word: thousands of matches
    "folha",
    "cálculo de férias",
    "ferias coletivas",  # no accent
    "rescisão contrato aviso",
    "configurações impressão",  # the -ões plural
    "eSocial eventos periódicos",
    "senha usuário",
    "banco de horas compensação",
    "calcular adicional noturno",  # a verb form
    "xyzzy inexistente",  # finds nothing
]
# A customer typing the title of a new ticket: the widget asks after each word.
TYPED = [
    "Folha não calcula horas extras de dezembro",
    "Erro ao enviar eventos do eSocial",
    "Como configurar as férias coletivas",
    "Recibo de pagamento sem o desconto do vale transporte",
]

WORDS = [
    "férias",
    "folha",
    "pagamento",
    "cálculo",
    "rescisão",
    "contrato",
    "aviso",
    "prévio",
    "salário",
    "desconto",
    "adicional",
    "noturno",
    "horas",
    "extras",
    "banco",
    "compensação",
    "ponto",
    "eletrônico",
    "jornada",
    "escala",
    "turno",
    "feriado",
    "domingo",
    "eSocial",
    "eventos",
    "periódicos",
    "informações",
    "fiscais",
    "DCTFWeb",
    "FGTS",
    "INSS",
    "IRRF",
    "recibo",
    "holerite",
    "benefício",
    "vale",
    "transporte",
    "refeição",
    "alimentação",
    "plano",
    "saúde",
    "odontológico",
    "dependente",
    "pensão",
    "alimentícia",
    "afastamento",
    "licença",
    "maternidade",
    "paternidade",
    "atestado",
    "médico",
    "admissão",
    "demissão",
    "cargo",
    "função",
    "salarial",
    "reajuste",
    "dissídio",
    "convenção",
    "coletiva",
    "sindicato",
    "contribuição",
    "provisão",
    "décimo",
    "terceiro",
    "parcela",
    "adiantamento",
    "quinzenal",
    "mensal",
    "competência",
    "fechamento",
    "integração",
    "contabilidade",
    "lançamento",
    "rubrica",
    "evento",
    "verba",
    "base",
    "incidência",
    "tributação",
    "relatório",
    "exportação",
    "arquivo",
    "layout",
    "configurações",
    "impressão",
    "impressora",
    "usuário",
    "senha",
    "permissão",
    "perfil",
    "acesso",
    "cadastro",
    "funcionário",
    "empresa",
    "filial",
    "estabelecimento",
    "centro",
    "custo",
    "departamento",
    "lotação",
    "tomador",
    "serviço",
    "terceirizado",
    "estagiário",
    "aprendiz",
    "autônomo",
    "pró-labore",
    "sócio",
    "diretor",
    "gestor",
    "aprovação",
    "fluxo",
    "requisição",
    "treinamento",
    "certificado",
    "versão",
    "atualização",
    "instalação",
    "servidor",
    "banco",
    "dados",
    "backup",
    "restauração",
    "nuvem",
    "ambiente",
    "homologação",
    "produção",
    "erro",
    "mensagem",
    "tela",
    "botão",
    "campo",
    "filtro",
    "consulta",
    "pesquisa",
    "importação",
    "planilha",
    "coletivas",
    "proporcionais",
    "vencidas",
    "abono",
    "pecuniário",
    "terço",
    "constitucional",
    "insalubridade",
    "periculosidade",
    "gratificação",
    "comissão",
    "prêmio",
    "participação",
    "lucros",
    "resultados",
]
FILLER = [
    "o",
    "a",
    "de",
    "da",
    "do",
    "para",
    "com",
    "sem",
    "no",
    "na",
    "ao",
    "pelo",
    "pela",
    "e",
    "ou",
    "que",
    "quando",
    "como",
    "se",
]
# The words of any how-to text (menus, screens, verbs): in many articles whatever their subject.
GENERIC = [
    "sistema",
    "tela",
    "menu",
    "opção",
    "clique",
    "selecione",
    "informe",
    "confirme",
    "salve",
    "abra",
    "acesse",
    "campo",
    "botão",
    "aba",
    "janela",
    "lista",
    "resultado",
    "valor",
    "data",
    "período",
    "mês",
    "ano",
    "dia",
    "total",
    "registro",
    "processo",
    "rotina",
    "passo",
    "etapa",
    "exemplo",
    "caso",
    "situação",
    "problema",
    "solução",
    "verifique",
    "ajuste",
    "corrija",
    "gere",
    "emita",
]
VISIBILITIES = ["pública"] * 4 + ["clientes"] * 4 + ["interna"] * 2
STATUSES = ["publicada"] * 17 + ["rascunho"] * 2 + ["arquivada"]


# --------------------------------------------------------------------------- data


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 1.1 for rank in range(n)]


def _topic(rng: random.Random) -> list[str]:
    """An article is about two or three subject words (uniformly drawn: subjects spread out)."""
    return rng.sample(WORDS, k=rng.choice([2, 3]))


def _sentence(rng: random.Random, topic: list[str], weights: list[float], length: int) -> str:
    """Subject words, generic how-to words (Zipf-skewed: "sistema" everywhere, "emita" rarely),
    other subject words now and then, and function words."""
    words = []
    for _ in range(length):
        draw = rng.random()
        if draw < 0.25:
            words.append(rng.choice(topic))
        elif draw < 0.55:
            words.append(rng.choices(GENERIC, weights)[0])
        elif draw < 0.65:
            words.append(rng.choice(WORDS))
        else:
            words.append(rng.choice(FILLER))
    return " ".join(words).capitalize() + "."


def ensure_articles(count: int, *, seed: int = 2026) -> float:
    """Top the knowledge base up to `count` generated articles; seconds spent (0 when reused)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from tqdm import tqdm

    from servicedesk.accounts.models import User
    from servicedesk.catalog.models import Product
    from servicedesk.knowledge.models import Article, ArticleSearch, ArticleVersion
    from servicedesk.knowledge.rendering import plain_text
    from servicedesk.knowledge.text import terms

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    have = Article.objects.filter(slug__startswith=SLUG_PREFIX).count()
    missing = count - have
    if missing <= 0:
        return 0.0
    author = User.objects.get(username="ana.analista")
    reviewer = User.objects.get(username="gabriela.gestora")
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    weights = _zipf_weights(len(GENERIC))
    rng = random.Random(seed + have)
    now = timezone.now()
    print(f"gerando {missing:,} artigos ({connection.vendor})…", flush=True)
    started = time.perf_counter()
    through = Article.products.through
    with tqdm(total=missing, unit="artigo") as bar:
        for start in range(have, count, BATCH):
            size = min(BATCH, count - start)
            rows, texts = [], []
            for i in range(start, start + size):
                topic = _topic(rng)
                title = " ".join([*topic, *rng.sample(FILLER + GENERIC, k=rng.randint(1, 3))]).capitalize()[:200]
                paragraphs = [
                    " ".join(_sentence(rng, topic, weights, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))
                    for _ in range(rng.randint(2, 4))
                ]
                body = "\n\n".join(paragraphs)
                status = rng.choice(STATUSES)
                rows.append(
                    Article(
                        title=title,
                        slug=f"{SLUG_PREFIX}{i}-{slugify(title)[:150]}",
                        body=body,
                        visibility=rng.choice(VISIBILITIES),
                        status=status,
                        author=author,
                        reviewer=reviewer if status != "rascunho" else None,
                        published_at=now if status != "rascunho" else None,
                        view_count=int(rng.paretovariate(1.2)) - 1,
                        version=1,
                    )
                )
                texts.append((title, body))
            with transaction.atomic():
                made = Article.objects.bulk_create(rows)
                ArticleVersion.objects.bulk_create(
                    ArticleVersion(article=a, number=1, title=a.title, body=a.body, editor=author, created_at=now)
                    for a in made
                )
                searches = []
                for article, (title, body) in zip(made, texts, strict=True):
                    text = plain_text(body)
                    searches.append(
                        ArticleSearch(
                            article=article,
                            title_terms=" ".join(terms(title)),
                            body_terms=" ".join(terms(text)),
                            body_text=text,
                        )
                    )
                ArticleSearch.objects.bulk_create(searches)
                links = []
                for article in made:
                    for product in rng.sample(products, k=min(len(products), rng.choice([1, 1, 2]))):
                        links.append(through(article_id=article.pk, product_id=product))
                through.objects.bulk_create(links)
            bar.update(size)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"gerados {missing:,} artigos em {elapsed:.0f} s", flush=True)
    return elapsed


# --------------------------------------------------------------------------- timing


def _time_calls(calls, *, repeat: int, warmup: int = 3) -> dict:
    """p50/p95/max (ms) over every call of `calls` (name → zero-argument callable), `repeat` times
    each, and the SQL queries of one call of each (the maximum is reported)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples: list[float] = []
    cpu: list[float] = []
    queries = 0
    found: dict[str, int] = {}
    for name, call in calls.items():
        for _ in range(warmup):
            call()
        with CaptureQueriesContext(connection) as captured:
            result = call()
        queries = max(queries, len(captured.captured_queries))
        found[name] = result.count
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 2),
        "p95_ms": round(percentile(ordered, 0.95), 2),
        "max_ms": round(ordered[-1], 2),
        # This process's CPU (Python, and SQLite's own work; not the PostgreSQL server's): on a
        # busy machine the wall-clock figures include waiting for a core, this does not.
        "cpu_p95_ms": round(percentile(sorted(cpu), 0.95), 2),
        "queries": queries,
        "found": found,
    }


def measure(repeat: int) -> dict:
    from django.contrib.auth.models import AnonymousUser

    from servicedesk.accounts.models import User
    from servicedesk.knowledge.search import article_search

    customer = User.objects.get(username="joana.acme")
    analyst = User.objects.get(username="ana.analista")
    readers = {"cliente (joana.acme)": customer, "visitante": AnonymousUser(), "analista": analyst}
    results = {}
    for label, user in readers.items():
        calls = {q: (lambda q=q, u=user: article_search(u, query=q, limit=SEARCH_LIMIT)) for q in SEARCHES}
        results[f"busca — {label}"] = _time_calls(calls, repeat=repeat)
    typed = {}
    for title in TYPED:
        words = title.split()
        for n in range(1, len(words) + 1):
            prefix = " ".join(words[:n])
            typed[prefix] = lambda q=prefix: article_search(customer, query=q, limit=SUGGEST_LIMIT)
    results["sugestão ao digitar — cliente"] = _time_calls(typed, repeat=max(5, repeat // 4))
    return results


def _volume() -> dict:
    from django.db import connection

    from servicedesk.knowledge.models import Article

    return {
        "vendor": connection.vendor,
        "articles": Article.objects.count(),
        "published": Article.objects.filter(status="publicada").count(),
    }


def run_one(args) -> int:
    env = production_env(args.database_url, redis_url=None)
    setup_django(env)
    generated = ensure_articles(args.articles)
    volume = _volume()
    print(
        f"\n{volume['vendor']}: {volume['articles']:,} artigos ({volume['published']:,} publicados);"
        f" carga {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    results = measure(args.repeat)
    missed = []
    for name, r in results.items():
        goal = SUGGEST_GOAL_MS if name.startswith("sugestão") else SEARCH_GOAL_MS
        ok = r["p95_ms"] <= goal
        if not ok:
            missed.append(name)
        print(
            f"  {name:<34} p50 {r['p50_ms']:6.2f} ms  p95 {r['p95_ms']:6.2f} ms (meta ≤ {goal:.0f})"
            f"  max {r['max_ms']:6.1f}  CPU p95 {r['cpu_p95_ms']:5.2f}  {r['queries']} queries  n={r['n']}  {'ok' if ok else 'NÃO ATINGIDA'}",
            flush=True,
        )
    counts = results[next(iter(results))]["found"]
    print("  encontrados (cliente): " + ", ".join(f"{q!r}: {n}" for q, n in counts.items()), flush=True)
    out = VAR / f"bench-knowledge-{volume['vendor']}.json"
    out.write_text(json.dumps({"volume": volume, "generated_s": generated, "results": results}, indent=2))
    if missed:
        print(f"  METAS NÃO ATINGIDAS: {', '.join(missed)}", flush=True)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40, help="vezes que cada consulta é cronometrada")
    parser.add_argument("--database-url", help="mede só este banco (sem ele: SQLite e PostgreSQL)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    if args.database_url:
        return run_one(args)
    codes = []
    for url in (SQLITE_URL, args.postgres_url):
        cmd = [sys.executable, __file__, "--articles", str(args.articles), "--repeat", str(args.repeat)]
        codes.append(subprocess.run([*cmd, "--database-url", url], check=False).returncode)
    return max(codes)


if __name__ == "__main__":
    raise SystemExit(main())

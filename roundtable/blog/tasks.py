from django_tasks import task

from roundtable.blog import digest


@task()
def generate_digest(digest_id: int) -> str:
    return digest.generate(digest_id)

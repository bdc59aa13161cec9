from django_tasks import task

from roundtable.involvement import datafile


@task()
def make_data_file(data_file_id: int) -> str:
    return datafile.make(data_file_id)

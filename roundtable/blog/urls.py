app_name = "blog"
urlpatterns: list = []

from ninja import NinjaAPI

api = NinjaAPI(title="Lindung API", version="1", urls_namespace="api")

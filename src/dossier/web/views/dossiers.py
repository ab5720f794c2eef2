"""(being written: see the module list in views/__init__.py)"""

urlpatterns: list = []

from certification import create_app
from certification.serving import freeze_start_up

app = create_app()
freeze_start_up()  # the app's own objects: out of every full garbage collection's way

import Balancer

print("balancer: not yet")

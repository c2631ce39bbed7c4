"""Infolinia Klastra: the helpline bot of Klaster Energii Powiatu Częstochowskiego."""

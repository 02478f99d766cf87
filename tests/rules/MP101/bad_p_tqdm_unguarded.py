from p_tqdm import p_map


def square(x):
    return x * x


print(p_map(square, range(10)))  # error: MP101 8:7

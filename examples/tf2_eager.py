"""The lecture's TF2 listing: eager execution, no session (with `x` defined, as intended)."""

import neuroflow as tf

w = tf.Variable(2.0, name='weight')
b = tf.Variable(0.7, name='bias')
# z 평가 (evaluate z)
for x in [1.0, 0.6, -1.8]:
    z = w * x + b
    print('x=%4.1f --> z=%4.1f' % (x, z))

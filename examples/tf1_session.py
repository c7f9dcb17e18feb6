"""The lecture's TF1 listing, then a classic TF1 training loop, on neuroflow.

Run: python examples/tf1_session.py
No global mode switch: TF2 code keeps running eagerly in the same process.
"""

import numpy as np

import neuroflow.compat.v1 as tf

# -- the lecture: z = w * x + b evaluated in a session -----------------------------------------
x = tf.placeholder(dtype=tf.float32, shape=(None), name='x')
w = tf.Variable(2.0, name='weight')
b = tf.Variable(0.7, name='bias')
z = w * x + b
init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)  # initialize w and b
    for t in [1.0, 0.6, -1.8]:  # evaluate z
        print('x=%4.1f --> z=%4.1f' % (t, sess.run(z, feed_dict={x: t})))  # noqa: UP031

# -- a TF1 training loop: softmax regression with sess.run(train_op, feed_dict=...) --------------
tf.reset_default_graph()
rng = np.random.default_rng(0)
xs = rng.normal(size=(256, 4)).astype(np.float32)
labels = np.eye(3, dtype=np.float32)[(xs[:, 0] > 0).astype(int) + (xs[:, 1] > 0.5)]

inputs = tf.placeholder(tf.float32, [None, 4], name="inputs")
targets = tf.placeholder(tf.float32, [None, 3], name="targets")
weights = tf.Variable(tf.zeros([4, 3]), name="weights")
bias = tf.Variable(tf.zeros([3]), name="bias")
logits = tf.matmul(inputs, weights) + bias
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(targets, 1)),
                                  tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(101):
        _, current = sess.run([train_op, loss], feed_dict={inputs: xs, targets: labels})
        if step % 25 == 0:
            print(f"step {step:3d}  loss {current:.4f}")
    print("accuracy", sess.run(accuracy, feed_dict={inputs: xs, targets: labels}))

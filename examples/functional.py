"""The lecture's Functional API listing: Input -> layers -> Model(inputs, outputs)."""

from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(X_train, y_train), (X_test, y_test) = data(opts.quick)

# 입력과 출력을 연결 (connect inputs to outputs)
input = tf.keras.Input(shape=(784,), name='img')
h1 = tf.keras.layers.Dense(64, activation='relu')(input)
h2 = tf.keras.layers.Dense(32, activation='relu')(h1)
output = tf.keras.layers.Dense(10, activation='softmax')(h2)
# 모델 생성 (build the model)
model = tf.keras.Model(input, output)
model.summary()
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=opts.epochs or (1 if opts.quick else 5), batch_size=32,
          validation_split=0.1)
loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {accuracy:.4f}")

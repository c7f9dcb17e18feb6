"""The lecture's Sequential API listing: define with .add, compile, fit, evaluate, predict."""

import numpy as np
from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(X_train, y_train), (X_test, y_test) = data(opts.quick)
y_train = tf.keras.utils.to_categorical(y_train, 10)
y_test = tf.keras.utils.to_categorical(y_test, 10)

# 모델 정의 (define the model)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(64, activation='relu'))
model.add(tf.keras.layers.Dense(32, activation='relu'))
model.add(tf.keras.layers.Dense(10, activation='softmax'))
# 모델 하이퍼 파라메터 설정 (hyper-parameters)
model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
              loss='categorical_crossentropy',
              metrics=['accuracy'])
# 모델 훈련 (train)
model.fit(X_train, y_train, epochs=opts.epochs or (1 if opts.quick else 10), batch_size=32)
# 모델 평가 (evaluate)
model.evaluate(X_test, y_test)
# 모델 예측 (predict)
predicts = model.predict(X_test)
print("first predictions:", np.argmax(predicts[:10], axis=1), "true:",
      np.argmax(y_test[:10], axis=1))
